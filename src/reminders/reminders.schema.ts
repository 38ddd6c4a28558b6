import { z } from 'zod';

/** "Send now" sends e-mail to everyone: the form says so and carries an explicit confirmation. */
export const sendNowSchema = z.object({
  confirm: z.literal('yes', { error: 'Confirm that the digests should be sent now.' }),
});
