"""What every domain's states share: the signed-in person and the page guard (`auth`), paging, the homes'
figures, and every page's address (`routes`, which `portal/` uses too).

May import: `services`, `models`; no domain package of `state/`."""
