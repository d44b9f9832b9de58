/** Longest accepted model name (the ledger, metrics and the echoed `x-tollgate-model` header carry it). */
export const MAX_MODEL_NAME_LENGTH = 256;
/** Printable ASCII without spaces, quotes or backslashes: every real model, alias, `model@provider` and `tollgate/<route>` fits. */
const MODEL_NAME = /^[A-Za-z0-9._:/@+=~,!#$%&*?^|-]+$/;
/** The characters MODEL_NAME allows, as an error message lists them. */
export const MODEL_NAME_CHARACTERS = 'letters, digits and . _ : / @ + = ~ , ! # $ % & * ? ^ | -';

/** Whether `model` may name a model: on a request (pipeline/validate.ts) and as a budget's downgrade target (config). */
export function isValidModelName(model: string): boolean {
  return model.length > 0 && model.length <= MAX_MODEL_NAME_LENGTH && MODEL_NAME.test(model);
}
