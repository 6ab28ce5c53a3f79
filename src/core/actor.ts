/** Who runs casctl, and where: recorded with every change (README "Safe changes"). */
export interface Actor {
  osUser: string;
  /** The user who ran `sudo casctl`, from SUDO_USER; null without sudo. */
  sudoUser: string | null;
  host: string;
}
