"use strict";
// CommonJS, as the native package: require() and import (named and default) reach one instance.
module.exports = require("plantrpc/zmq/draft");
