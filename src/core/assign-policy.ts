// The assignment policies, apart from ./assign.ts (which loads the hours, luxon): the settings check them
// on every start.
export const ASSIGN_POLICIES = ['manual', 'round-robin', 'least-open'] as const;
export type AssignPolicy = (typeof ASSIGN_POLICIES)[number];
