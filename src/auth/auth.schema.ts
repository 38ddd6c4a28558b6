import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password.ts';
import { roles } from './roles.ts';

const email = z
  .string({ error: 'Enter an email address.' })
  .trim()
  .toLowerCase()
  .max(254, 'Email addresses are at most 254 characters.')
  .pipe(z.email({ error: 'Enter a valid email address, like name@example.com.' }));

const newPassword = z
  .string({ error: 'Enter a new password.' })
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`);

const role = z.enum(roles, { error: `Choose a role: ${roles.join(', ')}.` });

export const loginSchema = z.object({
  email,
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(PASSWORD_MAX_LENGTH),
  next: z.string().max(500).optional(),
});

export const changePasswordSchema = z
  .object({
    current_password: z.string({ error: 'Enter your current password.' }).min(1, 'Enter your current password.').max(PASSWORD_MAX_LENGTH),
    new_password: newPassword,
    confirm_password: z.string({ error: 'Repeat the new password.' }),
  })
  .refine((v) => v.new_password === v.confirm_password, { path: ['confirm_password'], message: 'The two new passwords do not match.' })
  .refine((v) => v.new_password !== v.current_password, { path: ['new_password'], message: 'Choose a password different from the current one.' });

export const createUserSchema = z.object({
  email,
  name: z.string({ error: 'Enter a name.' }).trim().min(1, 'Enter a name.').max(120, 'Names are at most 120 characters.'),
  role,
});

export const changeRoleSchema = z.object({ role });

export const issueTokenSchema = z.object({
  name: z.string({ error: 'Name the token.' }).trim().min(1, 'Name the token, e.g. "CI evidence upload".').max(80, 'Token names are at most 80 characters.'),
  expires_in_days: z
    .union([
      z.literal(''),
      // Only digits from a form or a JSON number: `true` or `[5]` are not a number of days.
      z.preprocess(
        (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
        z.number({ error: 'Whole days only.' }).int('Whole days only.').min(1, 'At least 1 day.').max(730, 'At most 730 days.'),
      ),
    ])
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v)),
});

/**
 * A job title names the control owner a user is ("CISO"); empty clears it. Control characters and
 * bidirectional overrides are refused: the title is matched against control owners and shown to others.
 */
export const jobTitleSchema = z.object({
  job_title: z
    .string({ error: 'Enter a job title, or leave it empty to clear it.' })
    .trim()
    .max(120, 'Job titles are at most 120 characters.')
    .refine((v) => !/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(v), 'Job titles cannot contain control characters or text-direction overrides.')
    .transform((v) => (v === '' ? null : v)),
});

export const idParam = z.object({ id: z.coerce.number().int().positive() });
