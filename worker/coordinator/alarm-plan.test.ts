import { describe, expect, it } from "vitest";
import { AlarmPlan } from "./alarm-plan";

const T = 1_000_000;

describe("the coordinator's one alarm, shared with the daemon's sensors pass", () => {
  it("treats both duties as due on the first alarm after a restart (nothing is known yet)", () => {
    expect(new AlarmPlan().takeDue(T)).toEqual({ coordinator: true, sensors: true });
  });

  it("fires at the earlier of the two and runs only the duty that is due", () => {
    const plan = new AlarmPlan();
    plan.takeDue(T);
    plan.planCoordinator(T + 30_000);
    plan.requestSensors(T + 5000);
    expect(plan.nextAlarmAt()).toBe(T + 5000);
    expect(plan.takeDue(T + 5000)).toEqual({ coordinator: false, sensors: true });
    expect(plan.nextAlarmAt()).toBe(T + 30_000);
  });

  it("never pushes the coordinator's duties back, however often a sensor wakes it", () => {
    const plan = new AlarmPlan();
    plan.takeDue(T);
    plan.planCoordinator(T + 30_000);
    plan.requestSensors(T + 5000);
    for (let t = T + 5000; t < T + 30_000; t += 5000) {
      expect(plan.takeDue(t).coordinator).toBe(false);
      plan.planCoordinator(t + 30_000); // what #arm asks for after each wake
      plan.sensorsPassed(t + 5000);
    }
    expect(plan.takeDue(T + 30_000)).toEqual({ coordinator: true, sensors: true });
  });

  it("runs the coordinator's duties on an alarm for which nothing is due (fired early)", () => {
    const plan = new AlarmPlan();
    plan.takeDue(T);
    plan.planCoordinator(T + 30_000);
    plan.requestSensors(T + 5000);
    expect(plan.takeDue(T + 1000)).toEqual({ coordinator: true, sensors: false });
    expect(plan.nextAlarmAt()).toBe(T + 5000);
  });

  it("keeps the earliest sensor request, and arms nothing when no sensor runs and the coordinator is idle", () => {
    const plan = new AlarmPlan();
    plan.takeDue(T);
    plan.planCoordinator(null);
    plan.sensorsPassed(null);
    expect(plan.nextAlarmAt()).toBeNull();
    plan.requestSensors(T + 9000);
    plan.requestSensors(T + 2000);
    plan.sensorsPassed(T + 7000);
    expect(plan.nextAlarmAt()).toBe(T + 2000);
  });
});
