// Never download a browser at install time: the machines Attest is installed on may reach only
// the npm registry. The browser is resolved at run time (see src/reports/browser.ts).
module.exports = { skipDownload: true };
