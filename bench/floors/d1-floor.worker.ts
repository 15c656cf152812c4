/**
 * The floor for event ingestion: POST a JSON array of rows, get them inserted with one
 * `DB.batch()` of multi-row INSERTs (as many rows per statement as D1's 100 bound parameters
 * allow), nothing else: no auth, no validation, no status writes.
 */
type Row = [string, number, number, string, number, string | null, string, string | null, string | null];

const COLUMNS = 9;
const ROWS_PER_STATEMENT = Math.floor(100 / COLUMNS);

export default {
  async fetch(req: Request, env: { DB: D1Database }): Promise<Response> {
    if (new URL(req.url).pathname === "/setup") {
      await env.DB.exec(
        "CREATE TABLE IF NOT EXISTS floor_events (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, attempt INTEGER NOT NULL, seq INTEGER, type TEXT NOT NULL, ts INTEGER NOT NULL, step_key TEXT, level TEXT NOT NULL, message TEXT, data TEXT, UNIQUE (run_id, attempt, seq))",
      );
      return new Response("ok");
    }
    const rows = (await req.json()) as Row[];
    const statements: D1PreparedStatement[] = [];
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
      const placeholders = chunk.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ");
      statements.push(
        env.DB.prepare(
          `INSERT INTO floor_events (run_id, attempt, seq, type, ts, step_key, level, message, data) VALUES ${placeholders} ON CONFLICT DO NOTHING`,
        ).bind(...chunk.flat()),
      );
    }
    await env.DB.batch(statements);
    return Response.json({ inserted: rows.length });
  },
};
