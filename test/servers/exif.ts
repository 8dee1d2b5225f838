// A route of the tests' loopback server (test/global-setup.ts): an independent look at an image's metadata,
// by ExifTool (Debian's libimage-exiftool-perl), so a test can check that a photo holds no location.
//   POST /exif/inspect   the body is the image's bytes. Answers 200 application/json with what
//     `exiftool -j -G -n -` prints for them: its one object, keys "Group:Tag" in family-0 groups
//     ("EXIF:GPSLatitude", "XMP:GPSLatitude", "IPTC:City", "File:FileType", "ExifTool:Warning"), numbers as
//     numbers (-n). Bytes ExifTool cannot read still answer 200, with "ExifTool:Error" in the object.
// A failing tool answers 500 { error } with its stderr; an empty body answers 400 { error }.
import { spawn } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, reply } from "./http";

/** ExifTool's one object for `bytes`, read from standard input; exit code 1 is its "file not readable". */
function exiftool(bytes: Buffer): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn("exiftool", ["-j", "-G", "-n", "-"], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    // ExifTool may stop reading before the end (it has what it needs): that is not a failure.
    child.stdin.on("error", () => {});
    child.on("close", (code) => {
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8").trim();
      try {
        if (code !== 0 && code !== 1) throw new Error(`exited ${code}`);
        const [first] = JSON.parse(stdout) as Record<string, unknown>[];
        if (!first) throw new Error("printed no object");
        resolve(first);
      } catch (error) {
        reject(new Error(`exiftool -j -G -n - failed (${(error as Error).message}): ${stderr || stdout}`));
      }
    });
    child.stdin.end(bytes);
  });
}

export async function exifServer(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (url.pathname !== "/exif/inspect") return false;
  if (req.method !== "POST") {
    res.writeHead(405, { allow: "POST" }).end();
    return true;
  }
  const image = await readBody(req);
  if (image.length === 0) {
    reply(res, 400, { error: "the body is empty; POST the image's bytes" });
    return true;
  }
  try {
    reply(res, 200, await exiftool(image));
  } catch (error) {
    reply(res, 500, { error: (error as Error).message });
  }
  return true;
}
