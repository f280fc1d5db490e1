// Cue edits made while the server is unreachable, kept in localStorage and pushed through the sync route.
// A batch keeps its Idempotency-Key until the server has answered it, so a push cut off mid-way and sent
// again applies nothing twice.

import { call } from "./api.js";

const storageKey = (trackId) => `subdub.queue.${trackId}`;

function read(trackId) {
  try {
    const stored = JSON.parse(localStorage.getItem(storageKey(trackId)));
    if (stored && typeof stored === "object") return { batch: stored.batch || null, changes: stored.changes || {} };
  } catch {
    // A damaged entry is dropped rather than blocking the page.
  }
  return { batch: null, changes: {} };
}

function write(trackId, queue) {
  if (!queue.batch && !Object.keys(queue.changes).length) localStorage.removeItem(storageKey(trackId));
  else localStorage.setItem(storageKey(trackId), JSON.stringify(queue));
}

// Later edits of the same cue merge into one change; updated_at is the moment of the last edit.
export function enqueue(trackId, change) {
  const queue = read(trackId);
  const previous = queue.changes[change.id] || {};
  queue.changes[change.id] = { ...previous, ...change, updated_at: new Date().toISOString() };
  write(trackId, queue);
}

export function queued(trackId) {
  const queue = read(trackId);
  const changes = { ...queue.changes };
  for (const change of queue.batch ? queue.batch.changes : []) changes[change.id] = { ...change, ...changes[change.id] };
  return changes;
}

export function queuedCount(trackId) {
  return Object.keys(queued(trackId)).length;
}

// One push: {applied, rejected, sent} or null when nothing waits. Network failures throw OfflineError and
// leave the batch (and its key) for the next attempt; a refused batch (4xx) is dropped and reported.
export async function push(trackId) {
  const queue = read(trackId);
  if (!queue.batch) {
    const changes = Object.values(queue.changes);
    if (!changes.length) return null;
    queue.batch = { key: crypto.randomUUID(), changes };
    queue.changes = {};
    write(trackId, queue);
  }
  const { batch } = queue;
  const settle = () => {
    const latest = read(trackId);
    latest.batch = null;
    write(trackId, latest);
  };
  try {
    const answer = await call(`/api/v1/tracks/${trackId}/sync`, {
      method: "POST", body: { changes: batch.changes }, headers: { "Idempotency-Key": batch.key },
    });
    settle();
    return { ...answer.data, sent: batch.changes };
  } catch (error) {
    if (error.status && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 429) {
      settle();
    }
    throw error;
  }
}
