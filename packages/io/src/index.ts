export { Catalog, type CatalogMatch, type CatalogOptions } from "./catalog/catalog.ts";
export { type Credentials, loadCredentials } from "./catalog/credentials.ts";
export {
  type CatalogEntry,
  CatalogEntrySchema,
  CatalogFileSchema,
  catalogJsonSchema,
} from "./catalog/schema.ts";
export { yamlLibrary, yamlValue } from "./conf/yaml-values.ts";
export { type DataContext, DataStore, type DataStoreOptions } from "./datastore/datastore.ts";
export { CatalogError, DataError, type DataLocation, StorageError } from "./errors.ts";
export type { DecodeContext } from "./formats/format.ts";
export { formatError } from "./formats/format.ts";
export {
  BUILTIN_TYPES,
  type Format,
  type FormatContext,
  formatTypes,
  registerFormat,
} from "./formats/registry.ts";
export { hashBytes, hashFile, hashStream, prepareHashing } from "./hash.ts";
export { partitionNameProblem } from "./partitions/names.ts";
export {
  collectionHash,
  PartitionedStore,
  partitionSuffix,
} from "./partitions/partitioned-store.ts";
export { openStorage, type Storage, type StorageOptions } from "./storage/storage.ts";
