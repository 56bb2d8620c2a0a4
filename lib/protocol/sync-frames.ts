// The frames of the y-websocket protocol (y-protocols sync, awareness and auth) plus one of ours:
// `stored`, the state vector the server has durably committed, from which a writer derives `Pending`.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;
/** Ours: the server's durably stored state vector, sent after every commit that included this socket's update. */
export const MESSAGE_STORED = 100;

export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

export type Frame =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2'; update: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'auth-denied'; reason: string }
  | { type: 'query-awareness' }
  | { type: 'stored'; stateVector: Uint8Array };

export type FrameResult = { ok: true; frame: Frame } | { ok: false; code: 'socket.bad_frame' };

export function decodeFrame(bytes: Uint8Array): FrameResult {
  try {
    const decoder = decoding.createDecoder(bytes);
    const frame = readFrame(decoder);
    if (!frame || decoding.hasContent(decoder)) return { ok: false, code: 'socket.bad_frame' };
    return { ok: true, frame };
  } catch {
    return { ok: false, code: 'socket.bad_frame' };
  }
}

function readFrame(decoder: decoding.Decoder): Frame | null {
  switch (decoding.readVarUint(decoder)) {
    case MESSAGE_SYNC: {
      const step = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (step === SYNC_STEP1) return { type: 'sync-step1', stateVector: payload };
      if (step === SYNC_STEP2) return { type: 'sync-step2', update: payload };
      if (step === SYNC_UPDATE) return { type: 'sync-update', update: payload };
      return null;
    }
    case MESSAGE_AWARENESS:
      return { type: 'awareness', update: decoding.readVarUint8Array(decoder) };
    case MESSAGE_AUTH:
      if (decoding.readVarUint(decoder) !== 0) return null;
      return { type: 'auth-denied', reason: decoding.readVarString(decoder) };
    case MESSAGE_QUERY_AWARENESS:
      return { type: 'query-awareness' };
    case MESSAGE_STORED:
      return { type: 'stored', stateVector: decoding.readVarUint8Array(decoder) };
    default:
      return null;
  }
}

export function encodeFrame(frame: Frame): Uint8Array {
  const encoder = encoding.createEncoder();
  switch (frame.type) {
    case 'sync-step1':
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      encoding.writeVarUint(encoder, SYNC_STEP1);
      encoding.writeVarUint8Array(encoder, frame.stateVector);
      break;
    case 'sync-step2':
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      encoding.writeVarUint(encoder, SYNC_STEP2);
      encoding.writeVarUint8Array(encoder, frame.update);
      break;
    case 'sync-update':
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      encoding.writeVarUint(encoder, SYNC_UPDATE);
      encoding.writeVarUint8Array(encoder, frame.update);
      break;
    case 'awareness':
      encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(encoder, frame.update);
      break;
    case 'auth-denied':
      encoding.writeVarUint(encoder, MESSAGE_AUTH);
      encoding.writeVarUint(encoder, 0);
      encoding.writeVarString(encoder, frame.reason);
      break;
    case 'query-awareness':
      encoding.writeVarUint(encoder, MESSAGE_QUERY_AWARENESS);
      break;
    case 'stored':
      encoding.writeVarUint(encoder, MESSAGE_STORED);
      encoding.writeVarUint8Array(encoder, frame.stateVector);
      break;
  }
  return encoding.toUint8Array(encoder);
}

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The JSON text of the state; `null` text means the client left. Our states hold only ciphertext. */
  state: string;
}

export const MAX_AWARENESS_ENTRIES = 16;
export const MAX_AWARENESS_STATE_CHARS = 4096;

/** Decodes an awareness update within small bounds; null when malformed or oversized. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] | null {
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    if (count > MAX_AWARENESS_ENTRIES) return null;
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const state = decoding.readVarString(decoder);
      if (state.length > MAX_AWARENESS_STATE_CHARS) return null;
      JSON.parse(state);
      entries.push({ clientId, clock, state });
    }
    if (decoding.hasContent(decoder)) return null;
    return entries;
  } catch {
    return null;
  }
}

export function encodeAwarenessUpdate(entries: AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.state);
  }
  return encoding.toUint8Array(encoder);
}
