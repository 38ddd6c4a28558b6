import type { ActivityView } from './activity.service.ts';

/** A record as the activity page shows it: details folded into one line of text. */
export function activityView(item: ActivityView) {
  return { ...item, detailsText: Object.keys(item.details).length ? JSON.stringify(item.details) : '' };
}
