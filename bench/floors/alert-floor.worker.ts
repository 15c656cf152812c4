/**
 * The floor for alert delivery: `POST /` `{to, id}` puts the body on a queue and returns;
 * the consumer POSTs it to `to`. What an alert costs at the least: one queue send, one POST.
 */
type FloorMessage = { to: string; id: number };

export default {
  async fetch(req: Request, env: { FLOOR_QUEUE: Queue<FloorMessage> }): Promise<Response> {
    await env.FLOOR_QUEUE.send((await req.json()) as FloorMessage, { contentType: "json" });
    return new Response("queued", { status: 202 });
  },
  async queue(batch: MessageBatch<FloorMessage>): Promise<void> {
    await Promise.all(
      batch.messages.map(async (m) => {
        const res = await fetch(m.body.to, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(m.body),
        });
        await res.arrayBuffer();
        m.ack();
      }),
    );
  },
};
