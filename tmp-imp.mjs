const pkgs = process.argv.slice(2);
for (const p of pkgs) { const t = performance.now(); await import(p); console.log(p.padEnd(40), Math.round(performance.now() - t)); }
