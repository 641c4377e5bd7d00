// Flags several commands share.

/** Commander's argument parser for a repeatable flag: `--var a=1 --var b=2` gives ['a=1', 'b=2']. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
