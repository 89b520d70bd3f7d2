// Every page, as each role of the front line: social workers, team managers, heads of service, and an inspector through a grant (by-role.mjs).
import { after, before } from "node:test";
import { startCairn } from "./support.mjs";
import { testPagesAs } from "./by-role.mjs";

let cairn;
before(async () => {
  cairn = await startCairn();
});
after(async () => {
  await cairn?.stop();
});

testPagesAs(["practitioner", "team-manager", "service-manager", "inspector"], () => cairn);
