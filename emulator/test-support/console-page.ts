/**
 * The fields of the emulator's fake AWS console page (emulator/pages.ts): who a console
 * sign-in URL landed as, read from the HTML a browser would show.
 */
export const consolePageFields = (html: string): { account: string; role: string; region: string; destination: string; issuer: string } => {
  const field = (id: string): string => new RegExp(`id="${id}">([^<]*)<`).exec(html)?.[1] ?? '';
  return {
    account: field('account-id'),
    role: field('role-name'),
    region: field('region'),
    destination: field('destination'),
    issuer: field('issuer'),
  };
};
