/** The `patmatch` executable: `bin/patmatch.js` runs the build of this file. */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
