import { ModifyResponse, type BerReader } from 'ldapts';

/** The context tag of LDAPResult's `referral [3] Referral OPTIONAL` (RFC 4511 §4.1.9). */
const REFERRAL_TAG = 0xa3;
/** How the referral travels in the error message ldapts builds from the result's text. */
const MARK = 'referral to ';

interface ResultMessage {
  errorMessage: string;
  parseMessage(reader: BerReader): void;
}

let installed = false;

/**
 * ldapts reads an LDAPResult's code, matched DN and text but skips its referral, which is how a
 * read-only replica says where writes go. This reads it too and appends it to the text, the only
 * part of a result that reaches the error ldapts throws, so the message can name the provider.
 * Every result type shares MessageResponse's parseMessage: one patch covers them all.
 */
export function readReferrals(): void {
  if (installed) return;
  installed = true;
  const base = Object.getPrototypeOf(ModifyResponse.prototype) as ResultMessage;
  const original = base.parseMessage;
  base.parseMessage = function parseWithReferral(this: ResultMessage, reader: BerReader): void {
    original.call(this, reader);
    if (reader.peek() !== REFERRAL_TAG) return;
    reader.readSequence(REFERRAL_TAG);
    const end = reader.offset + reader.length;
    const urls: string[] = [];
    while (reader.offset < end) {
      const url = reader.readString();
      if (url === null) break;
      urls.push(url);
    }
    if (urls.length > 0) this.errorMessage = `${this.errorMessage === '' ? '' : `${this.errorMessage}; `}${MARK}${urls.join(' ')}`;
  };
}

/** The referral URLs an error's text carries (see readReferrals); none when it has none. */
export function referralsOf(text: string): string[] {
  const at = text.lastIndexOf(MARK);
  return at < 0 ? [] : text.slice(at + MARK.length).split(' ').filter((url) => url !== '');
}
