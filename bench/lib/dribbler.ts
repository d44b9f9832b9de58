/**
 * A worker of `bench:abuse`: holds up to COUNT sockets to the gateway from the given loopback
 * addresses, each sending partial request headers one line at a time and never finishing; a socket
 * the server closes is reopened 5-10 s later. Prints one JSON line of counters every second on stdout.
 * Usage: tsx bench/lib/dribbler.ts <port> <count> <address,address,...>
 */
import { connect, type Socket } from 'node:net';

const [portText, countText, addressList] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
const addresses = (addressList ?? '127.0.0.2').split(',');
let open = 0;
let opened = 0;
let closedByServer = 0;
let connectErrors = 0;
const sockets = new Set<Socket>();

function start(index: number): void {
  const socket = connect({ port, host: '127.0.0.1', localAddress: addresses[index % addresses.length] });
  sockets.add(socket);
  socket.setNoDelay(true);
  socket.once('connect', () => {
    open += 1;
    opened += 1;
    socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: tollgate\r\n');
  });
  socket.on('data', () => undefined);
  socket.on('error', () => {
    connectErrors += 1;
  });
  socket.once('close', (hadError) => {
    if (socket.readyState !== 'opening') open = Math.max(0, open - 1);
    if (!hadError) closedByServer += 1;
    sockets.delete(socket);
    // Reopen on the next cycle, as slowloris-style tools do (slowloris.py: every 15 s): the point is
    // to hold sockets, not to flood connection attempts (a different attack, met by the kernel/firewall).
    setTimeout(() => start(index), 5_000 + Math.random() * 5_000).unref();
  });
}

// Ramp up at ~2,000 sockets per second.
let started = 0;
const ramp = setInterval(() => {
  for (let i = 0; i < 200 && started < count; i += 1) start(started++);
  if (started >= count) clearInterval(ramp);
}, 100);

// Dribble: one more header line per socket every 2 s.
setInterval(() => {
  for (const socket of sockets) if (socket.writable && !socket.connecting) socket.write(`X-Dribble-${Math.floor(Math.random() * 1e6)}: x\r\n`);
}, 2_000);

setInterval(() => {
  process.stdout.write(`${JSON.stringify({ open, opened, closedByServer, connectErrors })}\n`);
}, 1_000);
