// launch.js starts a Bluesky PDS and a did:plc directory whose database
// lives in memory, both in this one Node process and both on 127.0.0.1 only.
// pdstest.Start runs it from the folder where `npm ci` installed
// package-lock.json; the PDS reads its settings from the PDS_* environment.
//
// When both servers listen, it writes one JSON line to stdout:
//   {"pds":"http://localhost:<port>","plc":"http://127.0.0.1:<port>"}
// and it exits when its stdin closes or on SIGTERM/SIGINT, so a test binary
// that dies cannot leave it running.
'use strict'

const net = require('node:net')

// Neither server takes a bind address: both end in listen(port), which
// would listen on every interface. Pin such calls to the loopback address.
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  const portOnly = typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')
  if (portOnly) {
    args.splice(1, 0, '127.0.0.1')
  }
  return listen.apply(this, args)
}

const { PDS, envToCfg, envToSecrets, readEnv } = require('@atproto/pds')
const { PlcServer, Database } = require('@did-plc/server')

async function run () {
  // Port 0: the kernel picks a free port; the PDS is told the result.
  const plc = PlcServer.create({ db: Database.mock(), port: 0 })
  const plcHTTP = await plc.start()
  const plcURL = `http://127.0.0.1:${plcHTTP.address().port}`
  process.env.PDS_DID_PLC_URL = plcURL

  const env = readEnv()
  const pds = await PDS.create(envToCfg(env), envToSecrets(env))
  await pds.start()

  let stopping = false
  const shutdown = async () => {
    if (stopping) return
    stopping = true
    await pds.destroy().catch((err) => console.error('launch.js: pds:', err))
    await plc.destroy().catch((err) => console.error('launch.js: plc:', err))
    process.exit(0)
  }
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
  process.stdin.on('end', shutdown)
  process.stdin.on('error', shutdown)
  process.stdin.resume()

  process.stdout.write(JSON.stringify({ pds: `http://localhost:${env.port}`, plc: plcURL }) + '\n')
}

run().catch((err) => {
  console.error('launch.js: cannot start:', err)
  process.exit(1)
})
