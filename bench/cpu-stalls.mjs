// Spins on one CPU for the given number of seconds and reports, as one JSON line, every time the
// loop lost the CPU for longer than STALL_MS: to the hypervisor, the kernel or a neighbour. Any
// request that is running at that moment is late by that much, whatever its code does.
// argv: seconds.
const STALL_MS = 0.5;
const seconds = Number(process.argv[2] ?? 10);

const stalls = [];
const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
let last = process.hrtime.bigint();
for (;;) {
  const now = process.hrtime.bigint();
  const gapMs = Number(now - last) / 1e6;
  if (gapMs > STALL_MS) stalls.push(gapMs);
  last = now;
  if (now > end) break;
}
console.log(JSON.stringify({ seconds, thresholdMs: STALL_MS, stalls }));
