// `node --require rssReporter.cjs …`: on exit, writes this process's peak RSS in KiB (every
// thread's, from getrusage) to the file named by IMAGESTACK_RSS_FILE. Used by the memory
// scenario to measure the CLI without /usr/bin/time.
const fs = require('node:fs');
process.on('exit', () => {
  const file = process.env.IMAGESTACK_RSS_FILE;
  if (file) fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
});
