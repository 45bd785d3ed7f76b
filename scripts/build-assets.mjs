// Builds app/static/build/: the force stylesheet compiled from GOV.UK Frontend's Sass, and the
// GOV.UK Frontend script. Run by `make assets` after `npm ci`.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "app", "static", "build");
const frontend = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "app", "static", "src", "portal.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter(root)],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "portal.css"), result.css);
cpSync(join(frontend, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
console.log("assets built in app/static/build");
