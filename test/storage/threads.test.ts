import { ThreadStore } from "../../src/storage/threads";
import { testTables } from "../support/storage";

describe("ThreadStore", () => {
  const threads = new ThreadStore(testTables("thr"));

  test("append is idempotent by message id", async () => {
    const first = await threads.append("azure-monitor-a1", { id: "acknowledged", author: "agent", kind: "acknowledged", text: "Taken." });
    const second = await threads.append("azure-monitor-a1", { id: "acknowledged", author: "agent", kind: "acknowledged", text: "Again." });

    expect(first).toBe(true);
    expect(second).toBe(false);
    const messages = await threads.list("azure-monitor-a1");
    expect(messages).toHaveLength(1);
    expect(messages[0].text).toBe("Taken.");
  });

  test("list orders by time and numbers from 1", async () => {
    await threads.append("k2", { id: "b", author: "agent", kind: "routing", text: "first" }, new Date("2026-01-01T00:00:00Z"));
    await threads.append("k2", { id: "a", author: "agent", kind: "analysis", text: "second", data: { n: 1 } }, new Date("2026-01-01T00:00:01Z"));

    const messages = await threads.list("k2");

    expect(messages.map((m) => [m.seq, m.text])).toEqual([
      [1, "first"],
      [2, "second"],
    ]);
    expect(messages[1].data).toEqual({ n: 1 });
  });

  test("large data survives the property limit", async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `row ${i} ${"x".repeat(40)}`);
    await threads.append("k3", { id: "evidence-logs", author: "agent", kind: "evidence", text: "logs", data: { rows } });

    const [message] = await threads.list("k3");

    expect((message.data as { rows: string[] }).rows).toHaveLength(5000);
  });
});

describe("ThreadStore.deleteThread", () => {
  test("removes every message of one incident only", async () => {
    const threads = new ThreadStore(testTables("del"));
    await threads.append("gone", { id: "a", author: "agent", kind: "routing", text: "1" });
    await threads.append("gone", { id: "b", author: "agent", kind: "analysis", text: "2" });
    await threads.append("kept", { id: "a", author: "agent", kind: "routing", text: "3" });

    const deleted = await threads.deleteThread("gone");

    expect(deleted).toBe(2);
    expect(await threads.list("gone")).toHaveLength(0);
    expect(await threads.list("kept")).toHaveLength(1);
  });
});
