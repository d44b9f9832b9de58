export type JsonResult = { ok: true; value: unknown } | { ok: false; error: string };

/** The only place untrusted JSON text is parsed: never throws. */
export function safeParseJson(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
