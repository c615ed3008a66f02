/**
 * "Advanced: Making Dynamic Decisions and the Bi-LSTM CRF", line by line: the BiLSTM_CRF model
 * (Embedding, bidirectional LSTM with a random initial state drawn on every call, hidden2tag, a
 * transitions Parameter whose START row and STOP column are set through .data), the CRF's forward
 * algorithm with log_sum_exp, the gold path's score, Viterbi decoding with back-pointers, and SGD
 * training on the tutorial's two sentences. Values (random streams included) match torch 1.13
 * (bilstm_crf3.json, scripts/fixtures/tutorial3_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

const ref = tutorialFixture<{
  before_score: number; before_path: number[]; losses: number[]; after_score: number; after_path: number[];
  transitions: { shape: number[]; data: number[] };
}>("bilstm_crf3.json");

const START_TAG = "<START>";
const STOP_TAG = "<STOP>";

function argmax(vec: Tensor): number {
  // return the argmax as a python int
  const [, idx] = torch.max(vec, 1);
  return idx.item() as number;
}

function prepare_sequence(seq: string[], to_ix: Record<string, number>): Tensor {
  const idxs = seq.map((w) => to_ix[w]);
  return torch.tensor(idxs, { dtype: torch.long });
}

/** Compute log sum exp in a numerically stable way for the forward algorithm */
function log_sum_exp(vec: Tensor): Tensor {
  const max_score = vec.index(0, argmax(vec));
  const max_score_broadcast = max_score.view(1, -1).expand(1, vec.size()[1]);
  return max_score.add(torch.log(torch.sum(torch.exp(vec.sub(max_score_broadcast)))));
}

class BiLSTM_CRF extends nn.Module {
  tagset_size: number;
  word_embeds: nn.Embedding;
  lstm: nn.LSTM;
  hidden2tag: nn.Linear;
  transitions: nn.Parameter;
  hidden: [Tensor, Tensor];
  constructor(
    readonly vocab_size: number,
    readonly tag_to_ix: Record<string, number>,
    readonly embedding_dim: number,
    readonly hidden_dim: number,
  ) {
    super();
    this.tagset_size = Object.keys(tag_to_ix).length;
    this.word_embeds = new nn.Embedding(vocab_size, embedding_dim);
    this.lstm = new nn.LSTM(embedding_dim, Math.floor(hidden_dim / 2), { num_layers: 1, bidirectional: true });
    // Maps the output of the LSTM into tag space.
    this.hidden2tag = new nn.Linear(hidden_dim, this.tagset_size);
    // Entry i,j is the score of transitioning *to* i *from* j.
    this.transitions = new nn.Parameter(torch.randn(this.tagset_size, this.tagset_size));
    // These two statements enforce the constraint that we never transfer to the start tag
    // and we never transfer from the stop tag
    this.transitions.data.index_put_([tag_to_ix[START_TAG], ":"], torch.tensor(-10000));
    this.transitions.data.index_put_([":", tag_to_ix[STOP_TAG]], torch.tensor(-10000));
    this.hidden = this.init_hidden();
  }

  init_hidden(): [Tensor, Tensor] {
    return [torch.randn(2, 1, Math.floor(this.hidden_dim / 2)), torch.randn(2, 1, Math.floor(this.hidden_dim / 2))];
  }

  _forward_alg(feats: Tensor): Tensor {
    // Do the forward algorithm to compute the partition function
    const init_alphas = torch.full([1, this.tagset_size], -10000.0);
    // START_TAG has all of the score.
    init_alphas.index(0).index_put_([this.tag_to_ix[START_TAG]], torch.tensor(0.0));
    // Wrap in a variable so that we will get automatic backprop
    let forward_var = init_alphas;
    // Iterate through the sentence
    for (const feat of feats.unbind(0)) {
      const alphas_t: Tensor[] = []; // The forward tensors at this timestep
      for (let next_tag = 0; next_tag < this.tagset_size; next_tag++) {
        // broadcast the emission score: it is the same regardless of the previous tag
        const emit_score = feat.index(next_tag).view(1, -1).expand(1, this.tagset_size);
        // the ith entry of trans_score is the score of transitioning to next_tag from i
        const trans_score = this.transitions.index(next_tag).view(1, -1);
        // The ith entry of next_tag_var is the value for the edge (i -> next_tag) before we do log-sum-exp
        const next_tag_var = forward_var.add(trans_score).add(emit_score);
        // The forward variable for this tag is log-sum-exp of all the scores.
        alphas_t.push(log_sum_exp(next_tag_var).view(1));
      }
      forward_var = torch.cat(alphas_t).view(1, -1);
    }
    const terminal_var = forward_var.add(this.transitions.index(this.tag_to_ix[STOP_TAG]));
    return log_sum_exp(terminal_var);
  }

  _get_lstm_features(sentence: Tensor): Tensor {
    this.hidden = this.init_hidden();
    const embeds = this.word_embeds(sentence).view(sentence.size(0), 1, -1);
    const [lstm_out, hidden] = this.lstm(embeds, this.hidden) as [Tensor, [Tensor, Tensor]];
    this.hidden = hidden;
    return this.hidden2tag(lstm_out.view(sentence.size(0), this.hidden_dim));
  }

  _score_sentence(feats: Tensor, tags: Tensor): Tensor {
    // Gives the score of a provided tag sequence
    let score = torch.zeros(1);
    tags = torch.cat([torch.tensor([this.tag_to_ix[START_TAG]], { dtype: torch.long }), tags]);
    feats.unbind(0).forEach((feat, i) => {
      score = score.add(this.transitions.index(tags.index(i + 1), tags.index(i))).add(feat.index(tags.index(i + 1)));
    });
    return score.add(this.transitions.index(this.tag_to_ix[STOP_TAG], tags.index(-1)));
  }

  _viterbi_decode(feats: Tensor): [Tensor, number[]] {
    const backpointers: number[][] = [];
    // Initialize the viterbi variables in log space
    const init_vvars = torch.full([1, this.tagset_size], -10000.0);
    init_vvars.index(0).index_put_([this.tag_to_ix[START_TAG]], torch.tensor(0));
    // forward_var at step i holds the viterbi variables for step i-1
    let forward_var = init_vvars;
    for (const feat of feats.unbind(0)) {
      const bptrs_t: number[] = []; // holds the backpointers for this step
      const viterbivars_t: Tensor[] = []; // holds the viterbi variables for this step
      for (let next_tag = 0; next_tag < this.tagset_size; next_tag++) {
        // We don't include the emission scores here because the max does not depend on them
        const next_tag_var = forward_var.add(this.transitions.index(next_tag));
        const best_tag_id = argmax(next_tag_var);
        bptrs_t.push(best_tag_id);
        viterbivars_t.push(next_tag_var.index(0, best_tag_id).view(1));
      }
      // Now add in the emission scores, and assign forward_var to the set of viterbi variables we just computed
      forward_var = torch.cat(viterbivars_t).add(feat).view(1, -1);
      backpointers.push(bptrs_t);
    }
    // Transition to STOP_TAG
    const terminal_var = forward_var.add(this.transitions.index(this.tag_to_ix[STOP_TAG]));
    let best_tag_id = argmax(terminal_var);
    const path_score = terminal_var.index(0, best_tag_id);
    // Follow the back pointers to decode the best path.
    const best_path = [best_tag_id];
    for (const bptrs_t of backpointers.slice().reverse()) {
      best_tag_id = bptrs_t[best_tag_id];
      best_path.push(best_tag_id);
    }
    // Pop off the start tag (we dont want to return that to the caller)
    const start = best_path.pop();
    expect(start).toBe(this.tag_to_ix[START_TAG]); // Sanity check
    best_path.reverse();
    return [path_score, best_path];
  }

  neg_log_likelihood(sentence: Tensor, tags: Tensor): Tensor {
    const feats = this._get_lstm_features(sentence);
    const forward_score = this._forward_alg(feats);
    const gold_score = this._score_sentence(feats, tags);
    return forward_score.sub(gold_score);
  }

  forward(sentence: Tensor): [Tensor, number[]] {
    // Get the emission scores from the BiLSTM
    const lstm_feats = this._get_lstm_features(sentence);
    // Find the best path, given the features.
    return this._viterbi_decode(lstm_feats);
  }
}

describe("Advanced: Making Dynamic Decisions and the Bi-LSTM CRF", () => {
  it("scores, decodes and trains the tutorial's two sentences as torch 1.13 does", () => {
    torch.manual_seed(1);
    const EMBEDDING_DIM = 5;
    const HIDDEN_DIM = 4;
    // Make up some training data
    const training_data: [string[], string[]][] = [
      ["the wall street journal reported today that apple corporation made money".split(" "), "B I I I O O O B I O O".split(" ")],
      ["georgia tech is a university in georgia".split(" "), "B I O O O O B".split(" ")],
    ];
    const word_to_ix: Record<string, number> = {};
    for (const [sentence] of training_data) {
      for (const word of sentence) if (!(word in word_to_ix)) word_to_ix[word] = Object.keys(word_to_ix).length;
    }
    const tag_to_ix = { B: 0, I: 1, O: 2, [START_TAG]: 3, [STOP_TAG]: 4 };
    const model = new BiLSTM_CRF(Object.keys(word_to_ix).length, tag_to_ix, EMBEDDING_DIM, HIDDEN_DIM);
    const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.01, weight_decay: 1e-4 });

    // Check predictions before training
    const [before_score, before_path] = torch.no_grad(() => model(prepare_sequence(training_data[0][0], word_to_ix)) as [Tensor, number[]]);
    expect(before_path).toEqual(ref.before_path);
    expect(before_score.item()).toBeCloseTo(ref.before_score, 4);

    const losses: number[] = [];
    for (let epoch = 0; epoch < 20; epoch++) {
      for (const [sentence, tags] of training_data) {
        // Step 1. Remember that Pytorch accumulates gradients. We need to clear them out before each instance
        model.zero_grad();
        // Step 2. Get our inputs ready for the network, that is, turn them into Tensors of word indices.
        const sentence_in = prepare_sequence(sentence, word_to_ix);
        const targets = torch.tensor(tags.map((t) => tag_to_ix[t as keyof typeof tag_to_ix]), { dtype: torch.long });
        // Step 3. Run our forward pass.
        const loss = model.neg_log_likelihood(sentence_in, targets);
        losses.push(loss.item() as number);
        // Step 4. Compute the loss, gradients, and update the parameters by calling optimizer.step()
        loss.backward();
        optimizer.step();
      }
    }
    expectClose(torch.tensor(losses), ref.losses, 1e-4, 1e-4, "losses");
    const [after_score, after_path] = torch.no_grad(() => model(prepare_sequence(training_data[0][0], word_to_ix)) as [Tensor, number[]]);
    expect(after_path).toEqual(ref.after_path);
    expect(after_score.item()).toBeCloseTo(ref.after_score, 3);
    expectClose(model.transitions.detach(), ref.transitions.data, 1e-4, 1e-4, "transitions");
  });
});
