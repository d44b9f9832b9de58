/** The built-in task classes, in the order the learned model's outputs use. */
export const TASK_CLASSES = ['coding', 'maths', 'reasoning', 'writing', 'extraction', 'roleplay', 'knowledge', 'chat'] as const;
export type BuiltInTaskClass = (typeof TASK_CLASSES)[number];
/** A built-in class or an operator's own. */
export type TaskClass = BuiltInTaskClass | (string & {});
