/** torch.utils.data: datasets, samplers, DataLoader, toy datasets and MNIST. */
export { Dataset, TensorDataset, Subset, random_split, type DatasetLike } from "./dataset";
export { DataLoader, default_collate, default_convert, type Collated, type DataLoaderOptions } from "./dataloader";
export { get_worker_info, WorkerInfo } from "./workers";
export {
  Sampler,
  SequentialSampler,
  RandomSampler,
  SubsetRandomSampler,
  WeightedRandomSampler,
  BatchSampler,
  type RandomSamplerOptions,
  type WeightedRandomSamplerOptions,
} from "./sampler";
export { IterableDataset, ChainDataset, ConcatDataset } from "./combined";
export {
  make_moons,
  make_circles,
  make_spirals,
  make_blobs,
  type BlobsOptions,
  type CirclesOptions,
  type SpiralOptions,
  type SyntheticOptions,
  type ToyDataset,
} from "./synthetic";
export { set_dataset_source, get_dataset_source, read_dataset_file, type DatasetSource } from "./source";
export { load_mnist, MNIST_FILE, MNIST_MEAN, MNIST_STD, type MnistOptions } from "./mnist";
export { SequenceTaskDataset, copy_task, reverse_task, sort_task, add_task, type SequenceTask, type SequenceTaskOptions } from "./sequence-tasks";
export { SONNETS, CharTokenizer, CharDataset } from "./text-corpus";
