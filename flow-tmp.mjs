import puppeteer from 'puppeteer';
const base = 'http://127.0.0.1:3203';
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
await page.goto(`${base}/login`);
await page.type('#email', 'grace@look.test');
await page.type('#password', 'look at it 2026');
await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
for (const width of [390, 1440]) {
  await page.setViewport({ width, height: 1000 });
  await page.goto(`${base}/calendar/feeds`);
  await Promise.all([page.waitForNavigation(), page.click('form.cal-feed-form button')]);
  await page.screenshot({ path: `/tmp/calseed/feed-created-${width}.png`, fullPage: true });
  await page.goto(`${base}/calendar/feeds?audit=1`);
  await Promise.all([page.waitForNavigation(), page.click('form.cal-feed-form:nth-of-type(2) button')]);
  await page.goto(`${base}/calendar/feeds`);
  await page.click('details.confirm summary');
  await page.screenshot({ path: `/tmp/calseed/feed-list-${width}.png`, fullPage: true });
  console.log(width, await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth));
}
await browser.close();
