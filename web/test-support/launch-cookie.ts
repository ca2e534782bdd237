import { request } from 'node:http';

/**
 * Trades a `rolecall web` launch link for the session cookie, as the browser does when it
 * opens the printed URL (the link is single-use). Rejects when no cookie comes back.
 */
export const tradeLaunchLink = (url: string): Promise<string> =>
  new Promise((resolve, reject) => {
    request(url, (res) => {
      res.resume();
      const cookie = res.headers['set-cookie']?.[0]?.split(';')[0];
      if (cookie) resolve(cookie);
      else reject(new Error(`no session cookie (status ${res.statusCode})`));
    })
      .on('error', reject)
      .end();
  });
