// A separate process working on the store, for store-concurrency.test.ts. Imports the
// compiled store from dist/. Modes:
//   alloc ROOT NETWORK_ID COUNT OWNER   open, print "ready", wait for a stdin line, then
//                                       allocate COUNT addresses and print them as JSON
//   create ROOT NAME                    print "ready", wait for a stdin line, then open
//                                       (maybe a fresh root) and create a network without
//                                       --subnet; print its subnet
//   hang ROOT NETWORK_ID                inside one transaction: allocate 3 addresses and
//                                       create a container, print "in-tx", then block
import { writeSync } from 'node:fs';

const { Store } = await import(new URL('../../../dist/store/index.js', import.meta.url).href);
const [mode, root, ...args] = process.argv.slice(2);
const say = (line) => writeSync(1, `${line}\n`);

function waitForLine() {
  return new Promise((resolve) => process.stdin.once('data', resolve));
}

async function main() {
  if (mode === 'create') {
    say('ready');
    await waitForLine();
    process.stdin.destroy();
    const store = Store.open({ root });
    say(store.networks.create({ name: args[0] }).subnet);
    return store;
  }
  const store = Store.open({ root });
  if (mode === 'alloc') {
    const [networkId, count, owner] = args;
    say('ready');
    await waitForLine();
    process.stdin.destroy();
    const got = [];
    for (let i = 0; i < Number(count); i++) got.push(store.ipam.allocate(networkId, { owner }));
    say(JSON.stringify(got));
  } else if (mode === 'hang') {
    store.tx(() => {
      for (let i = 0; i < 3; i++) store.ipam.allocate(args[0], { owner: 'doomed' });
      store.containers.create({ name: 'doomed', image: 'none' });
      say('in-tx');
      // Blocks the thread (and so the open transaction) until the parent kills us.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
      throw new Error('hang: not killed within 60 s');
    });
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  return store;
}

try {
  (await main()).close();
} catch (err) {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
}
