'use strict';
async function triggersAtScale() {}
module.exports = { triggersAtScale };
