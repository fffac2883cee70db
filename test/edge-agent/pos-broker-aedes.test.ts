import test from 'ava';
import { posBrokerContract } from './pos-broker-contract.js';

posBrokerContract(test, 'aedes', [4]);
