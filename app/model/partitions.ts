/**
 * AWS partitions and their regions, with the endpoints Rolecall talks to in each. A region
 * must be one of these names; new regions are added here (the list mirrors the SDK's
 * partitions table).
 */
export type PartitionId = 'aws' | 'aws-cn' | 'aws-us-gov';

export interface Partition {
  readonly id: PartitionId;
  readonly dnsSuffix: string;
  readonly signinHost: string;
  readonly consoleHost: string;
  readonly regions: readonly string[];
}

export const partitions: readonly Partition[] = [
  {
    id: 'aws',
    dnsSuffix: 'amazonaws.com',
    signinHost: 'signin.aws.amazon.com',
    consoleHost: 'console.aws.amazon.com',
    regions: [
      'af-south-1',
      'ap-east-1',
      'ap-east-2',
      'ap-northeast-1',
      'ap-northeast-2',
      'ap-northeast-3',
      'ap-south-1',
      'ap-south-2',
      'ap-southeast-1',
      'ap-southeast-2',
      'ap-southeast-3',
      'ap-southeast-4',
      'ap-southeast-5',
      'ap-southeast-6',
      'ap-southeast-7',
      'ca-central-1',
      'ca-west-1',
      'eu-central-1',
      'eu-central-2',
      'eu-north-1',
      'eu-south-1',
      'eu-south-2',
      'eu-west-1',
      'eu-west-2',
      'eu-west-3',
      'il-central-1',
      'me-central-1',
      'me-south-1',
      'mx-central-1',
      'sa-east-1',
      'us-east-1',
      'us-east-2',
      'us-west-1',
      'us-west-2',
    ],
  },
  {
    id: 'aws-cn',
    dnsSuffix: 'amazonaws.com.cn',
    signinHost: 'signin.amazonaws.cn',
    consoleHost: 'console.amazonaws.cn',
    regions: ['cn-north-1', 'cn-northwest-1'],
  },
  {
    id: 'aws-us-gov',
    dnsSuffix: 'amazonaws.com',
    signinHost: 'signin.amazonaws-us-gov.com',
    consoleHost: 'console.amazonaws-us-gov.com',
    regions: ['us-gov-east-1', 'us-gov-west-1'],
  },
];

/** The partition a region belongs to, or undefined for a name that is not an AWS region. */
export const partitionOf = (region: string): Partition | undefined => partitions.find((partition) => partition.regions.includes(region));

export const isKnownRegion = (region: string): boolean => partitionOf(region) !== undefined;
