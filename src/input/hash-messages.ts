/** What the hash pool and its workers say to each other. */
export interface HashRequest {
  id: number;
  passwords: readonly string[];
}

export type HashReply =
  | { id: number; hashes: string[] }
  /** `failedAt`: the index in the request's passwords of the one that could not be hashed. */
  | { id: number; failedAt: number; message: string };
