// Reference (c): what a user would pick instead. @y/websocket-server is not installed here (and no package may be
// added), so this is its behaviour re-implemented with the same pieces (yjs, y-protocols, lib0, ws): one Y.Doc per
// room kept in a global map, every sync message applied with y-protocols' readSyncMessage, every document update
// broadcast to every connection of the room (the writer included), awareness relayed, a 30 s ping. No auth, no
// checks, no persistence, no size limit beyond ws' default: exactly what the stock server does, nothing more.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocketServer, type WebSocket } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

const messageSync = 0;
const messageAwareness = 1;
const pingTimeout = 30_000;

class WSSharedDoc extends Y.Doc {
  readonly conns = new Map<WebSocket, Set<number>>();
  readonly awareness: awarenessProtocol.Awareness;

  constructor(readonly name: string) {
    super({ gc: true });
    this.awareness = new awarenessProtocol.Awareness(this);
    this.awareness.setLocalState(null);
    this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, conn: WebSocket | null) => {
      const changed = added.concat(updated, removed);
      if (conn !== null) {
        const controlled = this.conns.get(conn);
        if (controlled !== undefined) {
          added.forEach((id) => controlled.add(id));
          removed.forEach((id) => controlled.delete(id));
        }
      }
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, messageAwareness);
      encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
      const message = encoding.toUint8Array(encoder);
      this.conns.forEach((_, c) => send(this, c, message));
    });
    this.on('update', (update: Uint8Array) => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, messageSync);
      syncProtocol.writeUpdate(encoder, update);
      const message = encoding.toUint8Array(encoder);
      this.conns.forEach((_, conn) => send(this, conn, message));
    });
  }
}

function send(doc: WSSharedDoc, conn: WebSocket, message: Uint8Array): void {
  if (conn.readyState !== conn.CONNECTING && conn.readyState !== conn.OPEN) closeConn(doc, conn);
  try {
    conn.send(message, {}, (err) => {
      if (err != null) closeConn(doc, conn);
    });
  } catch {
    closeConn(doc, conn);
  }
}

function closeConn(doc: WSSharedDoc, conn: WebSocket): void {
  const controlled = doc.conns.get(conn);
  if (controlled !== undefined) {
    doc.conns.delete(conn);
    awarenessProtocol.removeAwarenessStates(doc.awareness, [...controlled], null);
    // The stock server destroys a room only when it has persistence; without it the Y.Doc stays in the map.
  }
  conn.close();
}

export async function startStockRelay(): Promise<{ port: number; close(): Promise<void> }> {
  const docs = new Map<string, WSSharedDoc>();
  const getYDoc = (name: string): WSSharedDoc => {
    let doc = docs.get(name);
    if (!doc) {
      doc = new WSSharedDoc(name);
      docs.set(name, doc);
    }
    return doc;
  };

  const messageListener = (conn: WebSocket, doc: WSSharedDoc, message: Uint8Array): void => {
    try {
      const encoder = encoding.createEncoder();
      const decoder = decoding.createDecoder(message);
      const messageType = decoding.readVarUint(decoder);
      switch (messageType) {
        case messageSync:
          encoding.writeVarUint(encoder, messageSync);
          syncProtocol.readSyncMessage(decoder, encoder, doc, conn);
          if (encoding.length(encoder) > 1) send(doc, conn, encoding.toUint8Array(encoder));
          break;
        case messageAwareness:
          awarenessProtocol.applyAwarenessUpdate(doc.awareness, decoding.readVarUint8Array(decoder), conn);
          break;
      }
    } catch {
      // The stock server emits 'error' on the doc, which nothing listens to: the message is dropped.
    }
  };

  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (conn: WebSocket, req: { url?: string }) => {
    conn.binaryType = 'arraybuffer';
    const docName = (req.url ?? '/').slice(1).split('?')[0]!;
    const doc = getYDoc(docName);
    doc.conns.set(conn, new Set());
    conn.on('message', (message: ArrayBuffer) => messageListener(conn, doc, new Uint8Array(message)));
    let pongReceived = true;
    const pingInterval = setInterval(() => {
      if (!pongReceived) {
        if (doc.conns.has(conn)) closeConn(doc, conn);
        clearInterval(pingInterval);
      } else if (doc.conns.has(conn)) {
        pongReceived = false;
        try {
          conn.ping();
        } catch {
          closeConn(doc, conn);
          clearInterval(pingInterval);
        }
      }
    }, pingTimeout);
    conn.on('close', () => {
      closeConn(doc, conn);
      clearInterval(pingInterval);
    });
    conn.on('pong', () => {
      pongReceived = true;
    });
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, messageSync);
    syncProtocol.writeSyncStep1(encoder, doc);
    send(doc, conn, encoding.toUint8Array(encoder));
    const states = doc.awareness.getStates();
    if (states.size > 0) {
      const aw = encoding.createEncoder();
      encoding.writeVarUint(aw, messageAwareness);
      encoding.writeVarUint8Array(aw, awarenessProtocol.encodeAwarenessUpdate(doc.awareness, [...states.keys()]));
      send(doc, conn, encoding.toUint8Array(aw));
    }
  });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('okay');
  });
  server.on('upgrade', (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        for (const doc of docs.values()) doc.destroy();
        server.close(() => resolve());
      }),
  };
}
