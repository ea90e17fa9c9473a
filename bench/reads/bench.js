// Times reading every cookie three ways, in the same page and run, then one mock login.
// Results land in window.benchResults for the driver to print.
"use strict";

const COUNTS = [10, 50, 150];
const ROUNDS = 15;
const ROUND_MS = 20;

function clearCookies() {
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name);
}

// Calls per round so that a round lasts about ROUND_MS (timers are coarse).
function calibrate(fn) {
  let calls = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) fn();
    if (performance.now() - start >= ROUND_MS) return calls;
    calls *= 2;
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(fns) {
  const calls = {};
  for (const [name, fn] of Object.entries(fns)) calls[name] = calibrate(fn);
  const samples = Object.fromEntries(Object.keys(fns).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so no implementation always runs first.
    const order = Object.keys(fns);
    if (round % 2) order.reverse();
    for (const name of order) {
      const fn = fns[name];
      const start = performance.now();
      for (let i = 0; i < calls[name]; i++) fn();
      samples[name].push(((performance.now() - start) * 1000) / calls[name]);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, median(s)]));
}

function run() {
  const wasm = window.wasmBindings;
  const reads = [];
  let sink = 0;
  for (const count of COUNTS) {
    clearCookies();
    for (let i = 0; i < count; i++) {
      Cookies.set(`bench${i}`, `v ${i}; a=b 50% ü€ 𩸽 #${i}`);
    }
    const seen = { getter: document.cookie.split("; ").length, jsCookie: Object.keys(Cookies.get()).length, crumbs: wasm.crumbs_read_all() };
    if (seen.getter !== count || seen.jsCookie !== count || seen.crumbs !== count) {
      throw new Error(`expected ${count} cookies, saw ${JSON.stringify(seen)}`);
    }
    const medians = measure({
      getter: () => { sink += document.cookie.length; },
      jsCookie: () => { sink += Object.keys(Cookies.get()).length; },
      crumbs: () => { sink += wasm.crumbs_read_all(); },
      parseEveryTime: () => { sink += wasm.crumbs_parse_every_time(); },
      copyOnly: () => { sink += wasm.crumbs_copy_only(); },
    });
    reads.push({ count, ...medians });
  }
  clearCookies();

  const bench = new wasm.LoginBench();
  const logins = [];
  for (let i = 0; i < 21; i++) {
    const start = performance.now();
    const status = bench.login();
    logins.push(performance.now() - start);
    if (status !== 200) throw new Error(`login answered ${status}`);
  }
  clearCookies();
  window.benchResults = { reads, loginMs: median(logins), sink };
  document.getElementById("status").textContent = "Done";
}

addEventListener("TrunkApplicationStarted", () => {
  try {
    run();
  } catch (error) {
    window.benchResults = { error: String(error) };
  }
});
