/** A user's verdict on one answer: a score in [0, 1] (0 wrong, 1 right) and an optional comment. */
export interface Feedback {
  id: string;
  requestId: string;
  timeMs: number;
  score: number;
  comment: string | null;
  /** model@provider that served the request. */
  target: string | null;
  cacheStatus: string | null;
  /** The prompt, when the client sends it (bodies are not stored): lets `tollgate router train` learn from feedback. */
  prompt: string | null;
}

export interface FeedbackStore {
  insert(feedback: Feedback): Promise<void>;
  list(limit: number): Promise<Feedback[]>;
  /** How many verdicts one request has had. */
  countForRequest(requestId: string): Promise<number>;
}
