"use strict";
// CommonJS, as zeromq 5: require() and import (named and default) reach one instance.
module.exports = require("plantrpc/zmq/v5-compat");
