// Preloaded (node --import) into a spawned CLI by the tests: at exit, the process's peak resident set on stderr.
process.on('exit', () => {
  process.stderr.write(`peak-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
