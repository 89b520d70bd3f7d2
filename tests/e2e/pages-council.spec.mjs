// Every page, as each role of the council: the director, analysts and elected members (by-role.mjs).
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

testPagesAs(["director", "analyst", "elected-member"], () => cairn);
