/**
 * The package's server entry (`pay-checkout/server`): the proxy as a router to mount in an
 * Express app, or as a standalone server, built from the same variables as the environment.
 */
export { createCheckoutRouter, startCheckoutServer, type CheckoutRouter, type CheckoutServer } from './checkout-server.js';
export { ConfigError, loadConfig, type Config, type Env } from './config.js';
