import v8 from 'node:v8';
import vm from 'node:vm';

// A long import makes garbage faster than V8 chooses to collect it: its old space grows by some
// 150 MB before a full collection, whatever the number of rows. Asking for a collection every so
// many rows keeps the server's memory near where it started. The collector is reached without a
// command-line flag (the server is started by `npm start`): the flag is set, then read from a
// fresh context, which is how V8 hands out its `gc` function.
let collect: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  } catch {
    collect = null;
  }
  return collect;
}

/** Returns a function to call after each unit of work: every `every` units it collects garbage. */
export function collectEvery(every: number): (units: number) => void {
  let since = 0;
  return (units) => {
    since += units;
    if (since < every) return;
    since = 0;
    collector()?.();
  };
}
