// The approval window's page: Rust opens it for a ceremony and grants it only the approval
// commands (its own capability), so the main window can neither see nor answer it.

import { mount } from "svelte";
import Approval from "./components/Approval.svelte";
import { S } from "./strings";
import "./app.css";

document.documentElement.lang = S.lang;
document.title = S.approval.title.sign;
const target = document.getElementById("approval");
if (target) mount(Approval, { target });
