"""NGO staff's job through a TypeScript client generated from the API's schema, against the
production server on loopback (issue 22 §4; CI runs it in .ci/run beside the Python client's).

Steps, each bounded in time: `npm ci` in clients/typescript (openapi-typescript, openapi-fetch,
typescript, pinned by its package-lock.json), the schema written by `manage.py spectacular`,
types generated from it (openapi-typescript), job.ts compiled (tsc, which fails on any call the
schema does not allow), then scripts/serve started with its own SQLite data and `node
dist/job.js` run against it as `load_ngo_staff`. Exit status 0 only if every step of the job
held. The server is stopped by its pid.

    python scripts/ts_client_job.py [--port 8172]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import serverctl

CLIENT = serverctl.PROJECT_ROOT / "clients" / "typescript"
STAFF_PASSWORD = serverctl.LOAD_PASSWORD


def run(*command: str, env: dict[str, str] | None = None, timeout: int = 600) -> None:
    print("$", " ".join(command), flush=True)
    subprocess.run(command, cwd=CLIENT, env=env, check=True, timeout=timeout)  # noqa: S603 - fixed commands


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=None, help="loopback port for the server (default: a free one)")
    args = parser.parse_args()
    npm, node = shutil.which("npm"), shutil.which("node")
    if not npm or not node:
        print("node and npm are needed (apt-get install nodejs npm)", file=sys.stderr)
        return 2
    var_dir = tempfile.mkdtemp(prefix="tracker-ts-client-")
    env = serverctl.server_environment(f"sqlite:///{var_dir}/ts.sqlite3", var_dir)
    if not (CLIENT / "node_modules").exists():
        run(npm, "ci", "--no-audit", "--no-fund")
    serverctl.manage(env, "spectacular", "--format", "openapi-json", "--file", str(CLIENT / "schema.json"))
    run(npm, "run", "--silent", "generate")
    run(npm, "run", "--silent", "build")
    serverctl.prepare(env, recommendations=3)
    with serverctl.Server(env, workers=1, threads=2, port=args.port) as server:
        job_env = {
            **os.environ,
            "TRACKER_URL": server.url,
            "TRACKER_USERNAME": "load_ngo_staff",
            "TRACKER_PASSWORD": STAFF_PASSWORD,
        }
        try:
            run(node, "dist/job.js", env=job_env, timeout=120)
        except subprocess.CalledProcessError as failed:
            print(f"the TypeScript client's job failed (exit {failed.returncode}); server log: {server.log.name}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
