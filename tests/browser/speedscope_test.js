// SPDX-License-Identifier: MIT
// speedscope_test.js TRACE.json SCREENSHOT.png PROFILE NAME...
//
// Opens speedscope (npm package `speedscope`, its bundled
// dist/release/index.html) in headless Chromium (/usr/bin/chromium, driven
// by puppeteer-core) and loads TRACE.json, a Chrome Trace Event export,
// through `#profileURL=` (which speedscope honours only over http: a
// local server here serves speedscope's files and the trace). Then checks
// what speedscope shows, not only that it loaded:
//   - no page error, no "Something went wrong" / import failure;
//   - the profile's name PROFILE (speedscope names a thread
//     "PROCESS (pid P), THREAD (tid T)") in the toolbar;
//   - in the sandwich view (a DOM table), every NAME as a frame name;
//   - the flame chart (time-ordered view, canvas) drawn: a screenshot of
//     the page whose pixels are not all one colour (their variance over
//     a threshold), written to SCREENSHOT.png.
// Exit 0, or 1 after one line per failed check.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const puppeteer = require('puppeteer-core');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const [tracePath, shotPath, profileName, ...names] = process.argv.slice(2);
const release = path.join(path.dirname(require.resolve('speedscope/package.json')),
                          'dist', 'release');
const types = {'.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
               '.json': 'application/json', '.wasm': 'application/wasm',
               '.png': 'image/png', '.woff2': 'font/woff2', '.ico': 'image/x-icon'};
let failures = [];
function fail(msg) {
  failures.push(msg);
  console.log('FAIL: ' + msg);
}

// Serves /trace.json (the export) and speedscope's release directory.
function serve() {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url.split(/[?#]/)[0]);
    const file = url === '/trace.json' ? tracePath
      : path.join(release, path.normalize(url === '/' ? '/index.html' : url));
    if (file !== tracePath && !file.startsWith(release + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {'Content-Type': types[path.extname(file)] || 'application/octet-stream'});
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// Mean and variance of the luminance of a PNG (decoded by the page itself).
async function pixelStats(page, png) {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let sum = 0, sum2 = 0, n = 0;
    const colours = new Set();
    for (let i = 0; i < d.length; i += 4) {
      const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
      sum += y;
      sum2 += y * y;
      n++;
      if (colours.size < 1000)
        colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    }
    const mean = sum / n;
    return {mean, variance: sum2 / n - mean * mean, colours: colours.size,
            width: c.width, height: c.height};
  }, Buffer.from(png).toString('base64'));
}

// One load of the trace in a fresh browser, its failures in `failures`.
async function attempt(base) {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--use-gl=swiftshader',
           '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({width: 1200, height: 800});
    page.on('pageerror', (e) => fail('page error: ' + e.message));
    page.on('console', (m) => {
      if (m.type() === 'error')
        fail('console error: ' + m.text());
    });
    page.on('dialog', async (d) => {
      fail('dialog: ' + d.message());
      await d.dismiss();
    });
    await page.goto(`${base}/index.html#profileURL=${encodeURIComponent(base + '/trace.json')}`,
                    {waitUntil: 'load'});
    // loaded: the profile's name in the toolbar
    try {
      await page.waitForFunction((p) => document.body.innerText.includes(p),
                                 {timeout: 30000}, profileName);
    } catch (e) {
      fail(`speedscope does not show the profile "${profileName}"; it shows: ` +
           JSON.stringify((await page.evaluate(() => document.body.innerText)).slice(0, 400)));
      return;
    }
    const text0 = await page.evaluate(() => document.body.innerText);
    if (/Something went wrong|Unrecognized format|Failed to load/i.test(text0))
      fail('speedscope reports an import problem: ' + JSON.stringify(text0.slice(0, 400)));
    // the flame chart (time-ordered view, the default) drawn on its
    // canvas: screenshots until one is not blank (WebGL in software may
    // take a while on a loaded machine)
    let png, st;
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 500));
      png = await page.screenshot({type: 'png'});
      st = await pixelStats(page, png);
      if (st.variance > 100 && st.colours >= 8)
        break;
    }
    fs.writeFileSync(shotPath, png);
    console.log(`screenshot ${st.width}x${st.height}: mean luminance ${st.mean.toFixed(1)}, ` +
                `variance ${st.variance.toFixed(1)}, ${st.colours}${st.colours >= 1000 ? '+' : ''} colours`);
    if (!(st.variance > 100 && st.colours >= 8))
      fail('the screenshot is (nearly) blank');
    // the sandwich view: a table of every frame, by name
    const clicked = await page.evaluate(() => {
      // the toolbar's button: the innermost element reading "<icon>Sandwich"
      const els = [...document.querySelectorAll('div,span,button,a')]
        .filter((e) => e.textContent.trim().endsWith('Sandwich'))
        .sort((a, b) => a.getElementsByTagName('*').length - b.getElementsByTagName('*').length);
      if (els.length)
        els[0].click();
      return els.length > 0;
    });
    if (!clicked)
      fail('no "Sandwich" view button');
    try {
      await page.waitForFunction(() => document.querySelector('table') !== null, {timeout: 10000});
    } catch (e) {
      fail('the sandwich view shows no table');
    }
    const cells = await page.evaluate(() =>
      [...document.querySelectorAll('table td, table th')].map((td) => td.textContent.trim()));
    const table = cells.join('\n');
    for (const n of names) {
      if (!cells.some((c) => c === n || c.endsWith(n)))
        fail(`frame "${n}" is not in the sandwich table`);
    }
    console.log(`sandwich table: ${cells.length} cells; names found: ` +
                names.filter((n) => table.includes(n)).length + `/${names.length}`);
  } finally {
    await browser.close();
  }
}

// Speedscope's WebGL renderer, in software on a machine other jobs load,
// now and then fails an assertion of its own before drawing anything: a
// load is tried up to 3 times, and the last one's failures count.
async function main() {
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    for (let i = 1; i <= 3; i++) {
      failures = [];
      try {
        await attempt(base);
      } catch (e) {
        fail(String(e && e.stack || e));
      }
      if (!failures.length)
        break;
      if (i < 3)
        console.log(`attempt ${i} failed; trying again`);
    }
  } finally {
    server.close();
  }
}

main().then(() => {
  if (failures.length) {
    console.log(`${failures.length} failure(s)`);
    process.exit(1);
  }
  console.log('PASS');
}, (e) => {
  console.log('FAIL: ' + (e && e.stack || e));
  process.exit(1);
});
