/** Where the control plane and the control room answer (DESIGN.md section 7, a contract). */
export const CONTROL_PATH = '/_mock';
