/**
 * @module
 * The wire contract of the admin API: every TypeBox schema the routes validate and document with, and the static
 * type of each, in one place. The routes import the schemas; clients (the CLI's admin client, later the web app)
 * import the types, so a change to what the server sends is a compile error where it is read.
 */
export * from './change-schema.js';
export * from './destination-schemas.js';
export * from './erasure-schema.js';
export * from './problem-schema.js';
export * from './profile-schema.js';
export * from './score-schema.js';
export * from './segment-schemas.js';
