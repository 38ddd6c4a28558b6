import ical, { ICalEvent, ICalEventTransparency } from 'ical-generator';
import { dayAfter, dayStart } from '../dates.ts';
import { kindLabels } from './calendar.presenter.ts';
import type { CalendarEntry } from './calendar.service.ts';

// RFC 5545 text for the feeds and `attest calendar --format ics`. Every item is an all-day event in
// UTC days: DTSTART;VALUE=DATE is its first day and DTEND;VALUE=DATE the day after its last
// (exclusive, as RFC 5545 wants). Dates carry no time zone, so X-WR-TIMEZONE says UTC for the
// clients that want one; the calendar's own time zone is left unset, so ical-generator writes
// every instant (DTSTAMP) in UTC whatever the server's TZ.

/** Control characters are not allowed in TEXT values (RFC 5545 3.3.11); line breaks become spaces. */
const clean = (s: string): string => s.replace(/\p{Cc}+/gu, ' ').trim();

/** ical-generator writes NAME and X-WR-CALNAME as given: escape them as TEXT here. */
const textValue = (s: string): string => clean(s).replace(/[\\;,]/g, (c) => `\\${c}`);

/** An RRULE as the sources give it (FREQ=…;…); anything else is dropped rather than written raw. */
const RRULE = /^FREQ=(?:YEARLY|MONTHLY|WEEKLY|DAILY)(?:;[A-Z]+=[A-Za-z0-9,+-]+)*$/;

export interface ICalOptions {
  name: string;
  /** Absolute origin for item links ("https://attest.example.com"); links are left out without it. */
  origin?: string | undefined;
  /** DTSTAMP for items that do not say when they last changed (the newest change in Attest). */
  stamp: string;
}

const stampOf = (given: string | null | undefined, fallback: string): Date => {
  const d = new Date(given ?? fallback);
  return Number.isNaN(d.getTime()) ? new Date(fallback) : d;
};

/**
 * Folds content lines at 75 octets (RFC 5545 3.1), never inside a UTF-8 sequence. ical-generator
 * folds too, but allocates a TextEncoder per character (about 2 s for a 4,000-event feed), so
 * events are serialised one by one and folded here, in one pass that copies only the lines it folds.
 */
function fold(text: string): string {
  let out = '';
  let copied = 0;
  let lineStart = 0;
  let octets = 0;
  for (let i = 0; i <= text.length; i += 1) {
    const c = i < text.length ? text.charCodeAt(i) : 13;
    if (c === 13) {
      if (octets > 75) {
        out += text.slice(copied, lineStart) + foldLine(text.slice(lineStart, i));
        copied = i;
      }
      // Skip the LF of the CRLF.
      i += 1;
      lineStart = i + 1;
      octets = 0;
    } else {
      // A surrogate pair is two code units of 2 octets each: 4 octets, as UTF-8 writes it.
      octets += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function foldLine(line: string): string {
  let out = '';
  let octets = 0;
  for (const ch of line) {
    const cp = ch.codePointAt(0)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (octets + size > 75) {
      out += '\r\n ';
      octets = 1;
    }
    out += ch;
    octets += size;
  }
  return out;
}

export function toICalendar(items: readonly CalendarEntry[], options: ICalOptions): string {
  // The calendar's properties (folded by ical-generator: a few short lines), then every event.
  const head = ical({
    name: textValue(options.name),
    prodId: { company: 'Attest', product: 'Attest calendar', language: 'EN' },
    x: [{ key: 'X-WR-TIMEZONE', value: 'UTC' }],
  })
    .toString()
    .replace(/END:VCALENDAR\s*$/, '');
  // Events are made on a calendar of their own (no time zone: instants in UTC) and written one by one.
  const host = ical();
  const events: string[] = [];
  for (const item of items) {
    const details = [
      kindLabels[item.kind],
      item.ownerLabel ? `Owner: ${clean(item.ownerLabel)}` : null,
      item.frameworks.length ? `Frameworks: ${item.frameworks.join(', ')}` : null,
      item.flag === 'never_evidenced' ? 'Never evidenced: due now.' : null,
      item.done ? 'Done.' : null,
    ].filter(Boolean);
    // Not added to `host` (createEvent would keep every event alive until the end): one at a time.
    const event = new ICalEvent(
      {
        id: `${item.key.replace(/[^A-Za-z0-9._-]/g, '_')}@attest`,
        allDay: true,
        start: dayStart(item.start),
        end: dayAfter(item.end),
        stamp: stampOf(item.updatedAt, options.stamp),
        summary: clean(item.title),
        description: details.join('\n'),
        url: options.origin ? `${options.origin}${item.href}` : null,
        repeating: item.rrule && RRULE.test(item.rrule) ? item.rrule : null,
        transparency: ICalEventTransparency.TRANSPARENT,
        categories: [{ name: kindLabels[item.kind] }],
      },
      host,
    );
    events.push(event.toString());
  }
  return `${head}${fold(events.join(''))}END:VCALENDAR\r\n`;
}
