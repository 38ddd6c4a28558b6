import { Option, type Command } from 'commander';
import { fail, withDatabaseAsIs } from '../cli.support.ts';
import { roles } from './roles.ts';

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('user accounts');
  user
    .command('add')
    .description('add a user and print a one-time password (changed at first sign-in)')
    .requiredOption('--email <email>', 'email address, used to sign in')
    .addOption(new Option('--role <role>', 'role').choices([...roles]).makeOptionMandatory())
    .option('--name <name>', 'display name (defaults to the part of the email before @)')
    .action(async (opts: { email: string; role: string; name?: string }) => {
      const { createUserSchema } = await import('./auth.schema.ts');
      const { createUser } = await import('./users.service.ts');
      const { cliPrincipal } = await import('../auth/principal.ts');
      const parsed = createUserSchema.safeParse({ email: opts.email, role: opts.role, name: opts.name ?? opts.email.split('@')[0] });
      if (!parsed.success) fail(parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('\n'));
      await withDatabaseAsIs(async (ctx) => {
        const { user: created, oneTimePassword } = await createUser(ctx, cliPrincipal, parsed.data);
        process.stdout.write(`Created ${created.email} (${created.role}).\nOne-time password: ${oneTimePassword}\nIt must be changed at first sign-in.\n`);
      });
    });
}
