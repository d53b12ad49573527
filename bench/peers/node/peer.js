// Node.js peer for bench/compare.sh: python_peer.py's protocol subset on ws (device WebSocket) and node:http (OTA).
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');
const { WebSocketServer } = require('ws');

const FRAME_MS = 60;
const DOWNLINK = { format: 'opus', sample_rate: 24000, channels: 1, frame_duration: FRAME_MS };
const MAX_OTA_BODY = 64 * 1024;

function otaServer(wsUrl) {
  return http.createServer((request, response) => {
    if (request.method !== 'POST' || request.url.split('?')[0] !== '/xiaozhi/ota/') {
      response.writeHead(request.url.split('?')[0] === '/xiaozhi/ota/' ? 405 : 404).end();
      return;
    }
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_OTA_BODY) request.destroy();
      else chunks.push(chunk);
    });
    request.on('end', () => {
      let version = '1.0.0';
      try {
        const application = JSON.parse(Buffer.concat(chunks).toString('utf8')).application;
        if (application && typeof application.version === 'string') version = application.version;
      } catch {
        // not JSON: answer with the default version, as the Python peer does
      }
      const body = JSON.stringify({
        server_time: { timestamp: Date.now(), timezone_offset: 480 },
        firmware: { version, url: '' },
        websocket: { url: wsUrl },
      });
      response.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
}

// One device connection: hello, then each listen turn's frames echoed back at 60 ms a frame.
class DeviceSession {
  constructor(ws) {
    this.ws = ws;
    this.sessionId = null;
    this.heard = null; // packets of the turn in progress, null outside a turn
    this.timer = null; // the reply's next frame
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.cancelReply());
    ws.on('error', () => {});
  }

  sendJson(message) {
    this.ws.send(JSON.stringify(message));
  }

  onMessage(data, isBinary) {
    if (isBinary) {
      if (this.heard !== null && data.length > 0) this.heard.push(data);
      return;
    }
    let text;
    try {
      text = JSON.parse(data.toString('utf8'));
    } catch {
      return;
    }
    if (text === null || typeof text !== 'object') return;
    if (text.type === 'hello') {
      if (this.sessionId === null) this.sessionId = crypto.randomUUID();
      this.sendJson({ type: 'hello', version: 1, transport: 'websocket',
                      session_id: this.sessionId, audio_params: DOWNLINK });
    } else if (text.type === 'listen' && text.state === 'start') {
      this.heard = [];
    } else if (text.type === 'listen' && text.state === 'stop' && this.heard !== null) {
      const packets = this.heard;
      this.heard = null;
      if (packets.length > 0) this.reply(packets);
    } else if (text.type === 'abort' && this.timer !== null) {
      this.cancelReply();
      this.sendJson({ type: 'tts', session_id: this.sessionId, state: 'stop' });
    }
  }

  reply(packets) {
    this.cancelReply();
    const seconds = ((packets.length * FRAME_MS) / 1000).toFixed(1);
    const id = this.sessionId;
    this.sendJson({ type: 'stt', session_id: id,
                    text: `heard ${seconds} s of audio in ${packets.length} frames` });
    this.sendJson({ type: 'tts', session_id: id, state: 'start' });
    this.sendJson({ type: 'tts', session_id: id, state: 'sentence_start', text: `echo of ${seconds} s` });
    const start = performance.now();
    let index = 0;
    const next = () => {
      this.timer = null;
      // Every frame due by now goes out, each one due at start + index * 60 ms.
      while (index < packets.length && start + index * FRAME_MS <= performance.now()) {
        this.ws.send(packets[index++]);
      }
      if (index < packets.length) {
        this.timer = setTimeout(next, start + index * FRAME_MS - performance.now());
      } else {
        this.sendJson({ type: 'tts', session_id: id, state: 'stop' });
      }
    };
    next();
  }

  cancelReply() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

function main() {
  const [wsPort, httpPort] = process.argv.slice(2).map(Number);
  if (!Number.isInteger(wsPort) || !Number.isInteger(httpPort)) {
    console.error('usage: node peer.js WS_PORT HTTP_PORT');
    process.exit(2);
  }
  otaServer(`ws://127.0.0.1:${wsPort}/xiaozhi/v1/`)
    .listen({ host: '127.0.0.1', port: httpPort, backlog: 4096 });
  const wss = new WebSocketServer({ host: '127.0.0.1', port: wsPort, backlog: 4096,
                                    perMessageDeflate: false, clientTracking: false,
                                    maxPayload: 64 * 1024 });
  wss.on('connection', (ws, request) => {
    if (request.url.split('?')[0].replace(/\/+$/, '') !== '/xiaozhi/v1') {
      ws.close(1008, 'unknown path');
      return;
    }
    new DeviceSession(ws);
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
}

main();
