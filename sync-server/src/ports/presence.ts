/** Who is connected on the live channel right now (the live hub implements it; routing reads it). */
export interface Presence {
  isOnline(userId: string): boolean;
}
